"""AdvCAM seeds: the reference mode (the official climb: class by class, both gradients by
``.backward()`` through the network with parameter gradients, the unused last step) vs the
optimized mode (every class of every image in one batch, ``autograd.grad`` to the input
only, no last step), seconds per image and max abs difference (issue 19).  ``--ablation``
adds the inference rewrites the optimized mode leaves out (BN folding, NHWC: the climb
amplifies their rounding).

    python benchmarks/bench_advcam.py [--config configs/cam/cam_r50_voc.py] \
        [--adv-iter 27] [--size 101x83] [--num-images 2] [--threads 1] [--ablation] [--record]
"""
import seed_bench

if __name__ == '__main__':
    parser = seed_bench.parse_args(__doc__, 'configs/cam/cam_r50_voc.py')
    parser.add_argument('--adv-iter', type=int, default=27, help='T (27: the paper\'s)')
    parser.set_defaults(num_images=2)
    args = parser.parse_args()
    seed_bench.run(f'AdvCAM seeds (T={args.adv_iter})', 'AdvCAM', seed_bench.optimized_variants(
        args, [('fold_bn', ), ('channels_last', ), ('fold_bn', 'channels_last')]), args,
        options=dict(adv_iter=args.adv_iter))
