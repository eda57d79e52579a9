/**
 * Rate-distortion loss for BU training, with the backbone frozen:
 *   loss = distortion + lambda * rate
 *   distortion = MSE(split tensor, reconstruction) / variance(split tensor)      (feature distillation)
 *              + klWeight * KL(teacher softmax || student softmax)              (output distillation)
 *   rate = estimated bits per image under the learned entropy model.
 * Normalising the feature MSE by the features' variance makes lambda mean the same thing at every split.
 * Distillation needs no labels.
 */
import * as tf from "@tensorflow/tfjs";

export interface RdTerms {
  loss: tf.Scalar;
  featureMse: tf.Scalar;
  kl: tf.Scalar;
  bitsPerImage: tf.Scalar;
}

export function klDivergence(teacherLogits: tf.Tensor2D, studentLogits: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const logP = tf.logSoftmax(teacherLogits);
    const logQ = tf.logSoftmax(studentLogits);
    return tf.mean(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1));
  });
}

export function rdLoss(opts: {
  features: tf.Tensor4D;
  reconstruction: tf.Tensor4D;
  teacherLogits: tf.Tensor2D | null;
  /** Null when klWeight is 0: no output distillation. */
  studentLogits: tf.Tensor2D | null;
  bits: tf.Scalar;
  lambda: number;
  klWeight: number;
  featureVariance: number;
}): RdTerms {
  const batch = opts.features.shape[0];
  const featureMse = tf.div(tf.mean(tf.squaredDifference(opts.features, opts.reconstruction)), opts.featureVariance) as tf.Scalar;
  const kl = opts.teacherLogits && opts.studentLogits ? klDivergence(opts.teacherLogits, opts.studentLogits) : tf.scalar(0);
  const bitsPerImage = tf.div(opts.bits, batch) as tf.Scalar;
  const loss = tf.addN([featureMse, tf.mul(kl, opts.klWeight), tf.mul(bitsPerImage, opts.lambda)]) as tf.Scalar;
  return { loss, featureMse, kl, bitsPerImage };
}
