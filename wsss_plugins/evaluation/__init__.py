from .confusion import ConfusionMatrix
from .instance_metric import InstanceSegMetric

__all__ = ['ConfusionMatrix', 'InstanceSegMetric']
