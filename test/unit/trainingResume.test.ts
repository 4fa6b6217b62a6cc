import { describe, expect, it } from 'vitest';
import { train, type TrainingCheckpoint } from '../../activities/store/classifier';

const examples = [
  { x: [1, 0, 0.2], y: 0 },
  { x: [0.9, 0.1, 0], y: 0 },
  { x: [0, 1, 0.1], y: 1 },
  { x: [0.1, 0.8, 0.3], y: 1 },
];

describe('training checkpoints', () => {
  it('resumes from a checkpoint to the same model as an uninterrupted run', async () => {
    const straight = await train(['a', 'b'], examples, 10, 0.5, () => undefined);
    let saved: TrainingCheckpoint | undefined;
    await train(['a', 'b'], examples, 10, 0.5, (epoch, _loss, checkpoint) => {
      if (epoch === 4) saved = structuredClone(checkpoint);
    });
    const epochsRun: number[] = [];
    const resumed = await train(['a', 'b'], examples, 10, 0.5, (epoch) => void epochsRun.push(epoch), saved);
    expect(epochsRun).toEqual([5, 6, 7, 8, 9, 10]);
    expect(resumed.model.weights).toEqual(straight.model.weights);
    expect(resumed.loss).toBe(straight.loss);
  });

  it('starts over when the checkpoint does not fit the data any more', async () => {
    const epochsRun: number[] = [];
    await train(['a', 'b'], examples, 3, 0.5, (epoch) => void epochsRun.push(epoch), { epoch: 2, weights: [[0, 0]], loss: 1 });
    expect(epochsRun).toEqual([1, 2, 3]);
  });
});
