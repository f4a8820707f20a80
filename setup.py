from setuptools import find_packages, setup

setup(
    name='wsss_plugins',
    version='0.1.0',
    description='OpenMMLab-native toolbox for weakly supervised segmentation '
                '(CAM, AdvCAM, AMN, IRN, DeepLab-v2)',
    packages=find_packages(include=['wsss_plugins', 'wsss_plugins.*']),
    python_requires='>=3.11',
    install_requires=[
        'torch==2.13.0', 'mmengine==0.10.7', 'mmcv==2.1.0',
        'mmsegmentation==1.2.2', 'mmdet==3.3.0', 'pycocotools', 'pydensecrf2',
        'ftfy', 'regex', 'tqdm', 'matplotlib', 'scipy', 'imageio',
    ],
    extras_require={'tests': ['pytest', 'pytest-timeout']},
)
