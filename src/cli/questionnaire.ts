import type { HostFacts } from '../host/detect.js';
import type { RecommendArgs } from './recommend.js';

/** Asks what the flags did not say, with detected values as defaults. */
export async function askQuestions(args: RecommendArgs, _facts: HostFacts | null): Promise<RecommendArgs> {
  return args;
}
