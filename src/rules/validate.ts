import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../rules/schema.json' with { type: 'json' };

/** A problem found in the knowledge base, tied to the file it is in. */
export interface RuleProblem {
  file: string;
  message: string;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(schema);
  return compiled;
}

/** Checks one feature file against rules/schema.json. */
export function validateFeature(file: string, data: unknown): RuleProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => ({
    file,
    message: `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${
      error.params && 'additionalProperty' in error.params ? `: ${String(error.params.additionalProperty)}` : ''
    }`,
  }));
}
