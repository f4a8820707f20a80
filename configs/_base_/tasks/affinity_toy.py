# Training on IR labels (IRN, AMN) at toy scale: tasks/affinity_512.py with crop 128, batch 8.
_base_ = './affinity_512.py'
crop_size = (128, 128)
train_dataloader = dict(batch_size=8, num_workers=2)
