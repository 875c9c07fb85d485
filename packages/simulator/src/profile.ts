// Figures of the public creditcard.csv, copied from ../data/creditcard-profile.json
// (a test checks that they still match). Fraud standard deviations the profile lacks (V10..V20)
// are estimates, flagged `estimated: true`.

/** Per-column figures of one PCA component. @internal */
export interface ComponentProfile {
  name: string;
  /** Overall standard deviation. */
  std: number;
  /** Overall first and third quartiles. */
  p25: number;
  p75: number;
  skewness: number;
  excessKurtosis: number;
  /** Mean of legitimate rows. */
  mean0: number;
  /** Mean and standard deviation of fraud rows. */
  mean1: number;
  std1: number;
  /** True when std1 is not in the profile and was estimated. */
  estimated: boolean;
  /** First and third quartiles of fraud rows, or null where the profile lacks them. */
  p25Fraud: number | null;
  p75Fraud: number | null;
  /** Pearson correlation with Amount and with Time over the whole data set. */
  corrAmount: number;
  corrTime: number;
}

/** @internal */
export const COMPONENTS: readonly ComponentProfile[] = [
  { name: "V1", std: 1.958696, p25: -0.9203734, p75: 1.315642, skewness: -3.281, excessKurtosis: 32.486, mean0: 0.008258, mean1: -4.771948, std1: 6.783687, estimated: false, p25Fraud: -6.036063, p75Fraud: -0.4192, corrAmount: -0.227709, corrTime: 0.117396 },
  { name: "V2", std: 1.651309, p25: -0.5985499, p75: 0.8037239, skewness: -4.625, excessKurtosis: 95.771, mean0: -0.006271, mean1: 3.623778, std1: 4.291216, estimated: false, p25Fraud: 1.188226, p75Fraud: 4.971257, corrAmount: -0.531409, corrTime: -0.010593 },
  { name: "V3", std: 1.516255, p25: -0.8903648, p75: 1.027196, skewness: -2.24, excessKurtosis: 26.619, mean0: 0.012171, mean1: -7.033281, std1: 7.110937, estimated: false, p25Fraud: -8.643489, p75Fraud: -2.276185, corrAmount: -0.21088, corrTime: -0.419618 },
  { name: "V4", std: 1.415869, p25: -0.8486401, p75: 0.7433413, skewness: 0.676, excessKurtosis: 2.635, mean0: -0.00786, mean1: 4.542029, std1: 2.873318, estimated: false, p25Fraud: 2.37305, p75Fraud: 6.348729, corrAmount: 0.098732, corrTime: -0.10526 },
  { name: "V5", std: 1.380247, p25: -0.6915971, p75: 0.6119264, skewness: -2.426, excessKurtosis: 206.901, mean0: 0.005453, mean1: -3.151225, std1: 5.372468, estimated: false, p25Fraud: -4.792835, p75Fraud: 0.214562, corrAmount: -0.386356, corrTime: 0.173072 },
  { name: "V6", std: 1.332271, p25: -0.7682956, p75: 0.3985649, skewness: 1.827, excessKurtosis: 42.642, mean0: 0.002419, mean1: -1.397737, std1: 1.858124, estimated: false, p25Fraud: -2.501511, p75Fraud: -0.413216, corrAmount: 0.215981, corrTime: -0.063016 },
  { name: "V7", std: 1.237094, p25: -0.5540759, p75: 0.5704361, skewness: 2.554, excessKurtosis: 405.6, mean0: 0.009637, mean1: -5.568731, std1: 7.206773, estimated: false, p25Fraud: -7.965295, p75Fraud: -0.945954, corrAmount: 0.397311, corrTime: 0.084714 },
  { name: "V8", std: 1.194353, p25: -0.2086297, p75: 0.3273459, skewness: -8.522, excessKurtosis: 220.583, mean0: -0.000987, mean1: 0.570636, std1: 6.797831, estimated: false, p25Fraud: -0.195336, p75Fraud: 1.764879, corrAmount: -0.103079, corrTime: -0.036949 },
  { name: "V9", std: 1.098632, p25: -0.6430976, p75: 0.597139, skewness: 0.555, excessKurtosis: 3.731, mean0: 0.004467, mean1: -2.581123, std1: 2.500896, estimated: false, p25Fraud: -3.872383, p75Fraud: -0.78785, corrAmount: -0.044246, corrTime: -0.00866 },
  { name: "V10", std: 1.08885, p25: -0.5354257, p75: 0.4539234, skewness: 1.187, excessKurtosis: 31.988, mean0: 0.009824, mean1: -5.676883, std1: 4.897, estimated: true, p25Fraud: -7.466659, p75Fraud: -2.511861, corrAmount: -0.101502, corrTime: 0.030617 },
  { name: "V11", std: 1.020713, p25: -0.7624942, p75: 0.7395934, skewness: 0.357, excessKurtosis: 1.634, mean0: -0.006576, mean1: 3.800173, std1: 2.679, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: 0.000104, corrTime: -0.247689 },
  { name: "V12", std: 0.9992014, p25: -0.4055715, p75: 0.618238, skewness: -2.278, excessKurtosis: 20.241, mean0: 0.010832, mean1: -6.259393, std1: 4.654, estimated: true, p25Fraud: -8.673033, p75Fraud: -2.893031, corrAmount: -0.009542, corrTime: 0.124348 },
  { name: "V13", std: 0.9952742, p25: -0.6485393, p75: 0.662505, skewness: 0.065, excessKurtosis: 0.195, mean0: 0.000189, mean1: -0.109334, std1: 1.105, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: 0.005293, corrTime: -0.065902 },
  { name: "V14", std: 0.9585956, p25: -0.425574, p75: 0.4931498, skewness: -1.995, excessKurtosis: 23.879, mean0: 0.012064, mean1: -6.971723, std1: 4.279, estimated: true, p25Fraud: -9.692722964972385, p75Fraud: -4.282820849486866, corrAmount: 0.033751, corrTime: -0.098757 },
  { name: "V15", std: 0.915316, p25: -0.5828843, p75: 0.6488208, skewness: -0.308, excessKurtosis: 0.285, mean0: 0.000161, mean1: -0.092929, std1: 1.05, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: -0.002986, corrTime: -0.183453 },
  { name: "V16", std: 0.8762529, p25: -0.4680368, p75: 0.5232963, skewness: -1.101, excessKurtosis: 10.419, mean0: 0.007164, mean1: -4.139946, std1: 3.866, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: -0.00391, corrTime: 0.011903 },
  { name: "V17", std: 0.8493371, p25: -0.4837483, p75: 0.399675, skewness: -3.845, excessKurtosis: 94.798, mean0: 0.011535, mean1: -6.665836, std1: 6.971, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: 0.007309, corrTime: -0.073297 },
  { name: "V18", std: 0.8381762, p25: -0.4988498, p75: 0.5008067, skewness: -0.26, excessKurtosis: 2.578, mean0: 0.003887, mean1: -2.246308, std1: 2.9, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: 0.03565, corrTime: 0.090438 },
  { name: "V19", std: 0.8140405, p25: -0.4562989, p75: 0.4589494, skewness: 0.109, excessKurtosis: 1.725, mean0: -0.001178, mean1: 0.680659, std1: 1.54, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: -0.056151, corrTime: 0.028975 },
  { name: "V20", std: 0.770925, p25: -0.2117214, p75: 0.1330408, skewness: -2.037, excessKurtosis: 271.011, mean0: -0.000644, mean1: 0.372319, std1: 1.347, estimated: true, p25Fraud: null, p75Fraud: null, corrAmount: 0.339403, corrTime: -0.050866 },
  { name: "V21", std: 0.734524, p25: -0.2283949, p75: 0.1863772, skewness: 3.593, excessKurtosis: 207.283, mean0: -0.001235, mean1: 0.713588, std1: 3.869304, estimated: false, p25Fraud: 0.041787, p75Fraud: 1.244611, corrAmount: 0.105999, corrTime: 0.044736 },
  { name: "V22", std: 0.7257016, p25: -0.5423504, p75: 0.5285536, skewness: -0.213, excessKurtosis: 2.833, mean0: -2.4e-05, mean1: 0.014049, std1: 1.494602, estimated: false, p25Fraud: -0.533764, p75Fraud: 0.617474, corrAmount: -0.064801, corrTime: 0.144059 },
  { name: "V23", std: 0.6244603, p25: -0.1618463, p75: 0.1476421, skewness: -5.875, excessKurtosis: 440.081, mean0: 7e-05, mean1: -0.040308, std1: 1.579642, estimated: false, p25Fraud: -0.342175, p75Fraud: 0.308378, corrAmount: -0.112633, corrTime: 0.051142 },
  { name: "V24", std: 0.6056471, p25: -0.3545861, p75: 0.4395266, skewness: -0.552, excessKurtosis: 0.619, mean0: 0.000182, mean1: -0.10513, std1: 0.515577, estimated: false, p25Fraud: -0.436809, p75Fraud: 0.285328, corrAmount: 0.005146, corrTime: -0.016182 },
  { name: "V25", std: 0.5212781, p25: -0.3171451, p75: 0.3507156, skewness: -0.416, excessKurtosis: 4.29, mean0: -7.2e-05, mean1: 0.041449, std1: 0.797205, estimated: false, p25Fraud: -0.314348, p75Fraud: 0.456515, corrAmount: -0.047837, corrTime: -0.233083 },
  { name: "V26", std: 0.482227, p25: -0.3269839, p75: 0.2409522, skewness: 0.577, excessKurtosis: 0.919, mean0: -8.9e-05, mean1: 0.051648, std1: 0.471679, estimated: false, p25Fraud: -0.259416, p75Fraud: 0.396733, corrAmount: -0.003208, corrTime: -0.041407 },
  { name: "V27", std: 0.4036325, p25: -0.07083953, p75: 0.09104512, skewness: -1.17, excessKurtosis: 244.985, mean0: -0.000295, mean1: 0.170575, std1: 1.376766, estimated: false, p25Fraud: -0.020025, p75Fraud: 0.826029, corrAmount: 0.028825, corrTime: -0.005135 },
  { name: "V28", std: 0.3300833, p25: -0.05295979, p75: 0.07827995, skewness: 11.192, excessKurtosis: 933.381, mean0: -0.000131, mean1: 0.075667, std1: 0.547291, estimated: false, p25Fraud: -0.108868, p75Fraud: 0.381152, corrAmount: 0.010258, corrTime: -0.009413 },
];

/** Rows, frauds and the default fraud rate of the public file. @internal */
export const PROFILE_ROWS = 284807;
/** @internal */
export const PROFILE_FRAUDS = 492;

/** Time and Amount per class. @internal */
export const TIME_AMOUNT = {
  "time": {
    "class0": {
      "mean": 94838.202258,
      "std": 47484.015786,
      "min": 0.0,
      "p25": 54230.0,
      "p50": 84711.0,
      "p75": 139333.0,
      "max": 172792.0
    },
    "class1": {
      "mean": 80746.806911,
      "std": 47835.365138,
      "min": 406.0,
      "p25": 41241.5,
      "p50": 75568.5,
      "p75": 128483.0,
      "max": 170348.0
    }
  },
  "amount": {
    "class0": {
      "count": 284315,
      "mean": 88.291022,
      "std": 250.105092,
      "min": 0.0,
      "p25": 5.65,
      "median": 22.0,
      "p75": 77.05,
      "max": 25691.16
    },
    "class1": {
      "count": 492,
      "mean": 122.211321,
      "std": 256.683288,
      "min": 0.0,
      "p25": 1.0,
      "median": 9.25,
      "p75": 105.89,
      "max": 2125.87
    }
  }
} as const;
