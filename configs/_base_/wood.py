# W-OoD's additions to a CAM classifier config (methods.md §3.2; models/classifiers/wood.py):
#   model = {{_base_.wood_model}}   and the training dataset wrapped in WithOoDDataset.
wood_model = dict(
    type='WOoDClassifier',
    num_ood_prototypes=50,  # cluster_K: K-means centres of the OoD features
    distance_weight=0.007,  # distance_lambda
    ood_weight=0.25,  # ood_coeff
    nearest_fraction=0.2,  # ood_dist_topk
    adv_step=0.07,
    ood_excluded_class=None,  # the reference's unexplained class-4 ("bottle") mask: 4
    data_preprocessor=dict(type='WOoDDataPreProcessor'),
    # only stage 3, stage 4 and the classifier train; batch norm on running statistics
    # (FixedBatchNorm: the OoD forwards and the climb do not move them)
    backbone=dict(frozen_stages=2, norm_eval=True))
