import type { FeatureEntry } from './datasets';

/**
 * A small but real model: softmax regression over image features (mean colour and the 64 bits
 * of the perceptual hash), trained by full-batch gradient descent.
 */
export interface SoftmaxModel {
  kind: 'softmax';
  classes: string[];
  /** weights[class][feature], the last feature being the bias. */
  weights: number[][];
}

export function featureVector(f: FeatureEntry): number[] {
  const bits = BigInt(`0x${f.phash}`);
  const hash = Array.from({ length: 64 }, (_, i) => Number((bits >> BigInt(i)) & 1n));
  return [...f.mean_color.map((c) => c / 255), ...hash, 1];
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function predict(model: SoftmaxModel, x: number[]): number[] {
  return softmax(model.weights.map((w) => w.reduce((sum, wi, i) => sum + wi * x[i], 0)));
}

export interface Example {
  x: number[];
  y: number;
}

/** Trains for `epochs` passes; `onEpoch` reports progress and may stop the work (abort). */
/** Where an interrupted training got to: the next epoch starts from these weights. */
export interface TrainingCheckpoint {
  epoch: number;
  weights: number[][];
  loss: number;
}

export async function train(
  classes: string[],
  examples: Example[],
  epochs: number,
  learningRate: number,
  onEpoch: (epoch: number, loss: number, checkpoint: TrainingCheckpoint) => Promise<void> | void,
  resumeFrom?: TrainingCheckpoint,
): Promise<{ model: SoftmaxModel; loss: number }> {
  const dims = examples[0].x.length;
  // A checkpoint of another shape (the dataset changed between attempts) is not resumable.
  const resumable = resumeFrom && resumeFrom.weights.length === classes.length && resumeFrom.weights.every((w) => w.length === dims);
  const model: SoftmaxModel = { kind: 'softmax', classes, weights: resumable ? resumeFrom.weights.map((w) => [...w]) : classes.map(() => new Array<number>(dims).fill(0)) };
  let loss = resumable ? resumeFrom.loss : 0;
  for (let epoch = resumable ? resumeFrom.epoch + 1 : 1; epoch <= epochs; epoch++) {
    const grad = classes.map(() => new Array<number>(dims).fill(0));
    loss = 0;
    for (const { x, y } of examples) {
      const p = predict(model, x);
      loss -= Math.log(Math.max(p[y], 1e-12));
      for (let k = 0; k < classes.length; k++) {
        const err = p[k] - (k === y ? 1 : 0);
        for (let i = 0; i < dims; i++) grad[k][i] += err * x[i];
      }
    }
    for (let k = 0; k < classes.length; k++) {
      for (let i = 0; i < dims; i++) model.weights[k][i] -= (learningRate * grad[k][i]) / examples.length;
    }
    loss /= examples.length;
    await onEpoch(epoch, loss, { epoch, weights: model.weights, loss });
    // Training is CPU-bound: let the event loop run now and then, so heartbeats go out and abort gets in.
    if (epoch % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return { model, loss };
}

export function evaluate(model: SoftmaxModel, examples: Example[]) {
  const confusion = model.classes.map(() => new Array<number>(model.classes.length).fill(0));
  let correct = 0;
  for (const { x, y } of examples) {
    const p = predict(model, x);
    const guess = p.indexOf(Math.max(...p));
    confusion[y][guess] += 1;
    if (guess === y) correct += 1;
  }
  const perClass = Object.fromEntries(
    model.classes.map((c, k) => {
      const total = confusion[k].reduce((a, b) => a + b, 0);
      return [c, total ? confusion[k][k] / total : null];
    }),
  );
  return { accuracy: examples.length ? correct / examples.length : 0, examples: examples.length, per_class_accuracy: perClass, confusion, classes: model.classes };
}
