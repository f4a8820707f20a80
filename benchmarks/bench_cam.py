"""CAM seeds: the reference mode (IRN ``make_cam.py``: the model as trained, every class
through the merge) vs the optimized mode (inference copy: BN folded, oneDNN-packed stages;
only the image's classes), seconds per image and max abs difference (issue 19).

    python benchmarks/bench_cam.py [--config configs/cam/cam_r50_voc.py] [--checkpoint CKPT] \
        [--size 101x83 | --size 500x375] [--num-images 4] [--threads 1] [--ablation] \
        [--device cuda [--batch-size 8]] [--record]
"""
import seed_bench

if __name__ == '__main__':
    args = seed_bench.parse_args(__doc__, 'configs/cam/cam_r50_voc.py').parse_args()
    seed_bench.run('CAM seeds', 'CAM', seed_bench.optimized_variants(
        args, [(), ('fold_bn', ), ('onednn', )]), args)
