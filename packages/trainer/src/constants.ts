// The numbers behind Linear Learner's `auto` hyperparameters and the optimiser, in one place.
// Where SageMaker documents a value it is cited (ll_hyperparameters.md and its 2017 edition); the
// rest are this trainer's choices, documented in the package README.

/** Adam's first-moment decay, `beta_1=auto` (2017 documentation). @internal */
export const ADAM_BETA_1 = 0.9;
/** Adam's second-moment decay, `beta_2=auto` (2017 documentation). @internal */
export const ADAM_BETA_2 = 0.999;
/** ε added to the root of the second moment by Adam and RMSprop (MXNet's optimisers). @internal */
export const OPTIMIZER_EPSILON = 1e-8;
/** RMSprop's moving-average decay of squared gradients (MXNet's `gamma1`). @internal */
export const RMSPROP_DECAY = 0.9;
/** SGD momentum, `momentum=auto` (2017 documentation). @internal */
export const SGD_MOMENTUM = 0;
/** Bias learning-rate multiplier, `bias_lr_mult=auto` (2017 documentation). @internal */
export const BIAS_LR_MULT = 10;
/** Bias weight-decay multiplier, `bias_wd_mult=auto` (2017 documentation). @internal */
export const BIAS_WD_MULT = 0;
/** Mini-batches between learning-rate decays, `lr_scheduler_step=auto` (2017 documentation). @internal */
export const LR_SCHEDULER_STEP = 100;
/** Learning-rate decay factor, `lr_scheduler_factor=auto` (2017 documentation). @internal */
export const LR_SCHEDULER_FACTOR = 0.99;
/** Learning-rate floor, `lr_scheduler_minimum_lr=auto` (2017 documentation). @internal */
export const LR_SCHEDULER_MINIMUM_LR = 1e-5;
/** Models trained in parallel, `num_models=auto` (SageMaker's logs show 32 on larger hosts). @internal */
export const NUM_MODELS = 8;
/** Model 0's learning rate for `learning_rate=auto`, per optimiser. @internal */
export const DEFAULT_LEARNING_RATE = { adam: 0.01, rmsprop: 0.01, sgd: 0.1 } as const;
/** Log-uniform range of the other models' learning rates for `learning_rate=auto`. @internal */
export const GRID_LEARNING_RATE_RANGE = [1e-3, 0.1] as const;
/** Log-uniform range of the other models' `l1` and `wd` when `auto` (half of them get 0). @internal */
export const GRID_PENALTY_RANGE = [1e-6, 1e-2] as const;
/** Share of the other models with no penalty when `l1`/`wd` is `auto`. @internal */
export const GRID_ZERO_PENALTY_SHARE = 0.5;
/** Given (non-`auto`) values are spread over [v / F, v × F] for the models after model 0. @internal */
export const GRID_NEAR_FACTOR = 2;
/** Standard deviations below which a feature counts as constant and is left unscaled. @internal */
export const MIN_FEATURE_STD = 1e-12;
