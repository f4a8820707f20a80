# The epoch-based training loader of the IRN family (CAM, IRN, AMN): global batch 16,
# shuffled, the last incomplete batch dropped (max_step = len // batch * epochs).
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(split='train_split'))
