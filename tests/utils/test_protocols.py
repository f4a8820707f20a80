"""The one table of per-method protocols: the references' published values, and the seed
rule applied to a report (fixed threshold, or the best of the reference's range)."""
import pytest

from wsss_plugins.evaluation.seed_eval import protocol_result
from wsss_plugins.utils.protocols import PROTOCOLS, describe_seed_rule


def test_the_table_holds_the_references_values():
    """methods.md §0 (IRN), §2 (AdvCAM), §3 (W-OoD), §4 (AMN), §5 (ACR: IRN's after it), §7."""
    ir = {k: (p['ir_label']['conf_fg'], p['ir_label']['conf_bg']) for k, p in PROTOCOLS.items()}
    assert ir == {'irn': (0.30, 0.05), 'advcam': (0.35, 0.15), 'amn': (0.45, 0.15),
                  'amn_coco': (0.45, 0.15), 'wood': (0.30, 0.15), 'acr': (0.30, 0.05)}
    rw = {k: (p['random_walk']['cam_power'], p['random_walk']['bg_threshold'])
          for k, p in PROTOCOLS.items()}
    assert rw == {'irn': (1.0, 0.25), 'advcam': (1.5, 0.25), 'amn': (1.3, 0.25),
                  'amn_coco': (1.3, 0.22), 'wood': (1.5, 0.22), 'acr': (1.0, 0.25)}
    assert PROTOCOLS['irn']['seed_thresholds'] == (0.15, )
    assert PROTOCOLS['amn']['seed_thresholds'] == (0.25, )
    advcam = PROTOCOLS['advcam']['seed_thresholds']
    assert len(advcam) == 20 and advcam[0] == 0.15 and advcam[-1] == 0.34
    assert PROTOCOLS['wood']['seed_thresholds'] == (0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14)
    assert PROTOCOLS['acr']['seed_thresholds'] == tuple(i / 100 for i in range(10))
    assert describe_seed_rule('irn') == 'fixed 0.15'
    assert describe_seed_rule('advcam') == 'best of 0.15-0.34, GT-selected'


def report_of(curve):
    return dict(results=[dict(threshold=t, mIoU=m) for t, m in curve])


def test_protocol_result_takes_the_fixed_threshold_or_the_best_of_the_range():
    # the sweep's best (0.45) lies outside both rules
    report = report_of([(0.05, 0.40), (0.15, 0.50), (0.16, 0.52), (0.25, 0.49), (0.34, 0.51),
                        (0.45, 0.60)] + [(round(0.17 + 0.01 * i, 6), 0.30) for i in range(8)]
                       + [(round(0.26 + 0.01 * i, 6), 0.30) for i in range(8)])
    irn = protocol_result(report, 'irn')
    assert (irn['threshold'], irn['mIoU'], irn['rule']) == (0.15, 0.50, 'fixed 0.15')
    amn = protocol_result(report, 'amn')
    assert (amn['threshold'], amn['mIoU']) == (0.25, 0.49)
    advcam = protocol_result(report, 'advcam')
    assert (advcam['threshold'], advcam['mIoU']) == (0.16, 0.52)
    with pytest.raises(ValueError, match="protocol 'wood' needs thresholds"):
        protocol_result(report, 'wood')
