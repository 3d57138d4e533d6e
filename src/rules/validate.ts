import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import approachSchema from '../../rules/approach.schema.json' with { type: 'json' };
import distributionSchema from '../../rules/distribution.schema.json' with { type: 'json' };
import productSchema from '../../rules/product.schema.json' with { type: 'json' };
import schema from '../../rules/schema.json' with { type: 'json' };
import targetSchema from '../../rules/targets.schema.json' with { type: 'json' };

/** A problem found in the knowledge base, tied to the file it is in. */
export interface RuleProblem {
  file: string;
  message: string;
}

let ajv: Ajv | undefined;
const compiled = new Map<object, ValidateFunction>();

function validator(forSchema: object): ValidateFunction {
  ajv ??= new Ajv({ allErrors: true, strict: true });
  let validate = compiled.get(forSchema);
  if (!validate) {
    validate = ajv.compile(forSchema);
    compiled.set(forSchema, validate);
  }
  return validate;
}

/** Checks one feature file against rules/schema.json. */
export function validateFeature(file: string, data: unknown): RuleProblem[] {
  return problemsOf(file, validator(schema), data);
}

/** Checks one approach file against rules/approach.schema.json. */
export function validateApproach(file: string, data: unknown): RuleProblem[] {
  return problemsOf(file, validator(approachSchema), data);
}

/** Checks one config-audit target file against rules/targets.schema.json. */
export function validateTarget(file: string, data: unknown): RuleProblem[] {
  return problemsOf(file, validator(targetSchema), data);
}

/** Checks one distribution file against rules/distribution.schema.json. */
export function validateDistribution(file: string, data: unknown): RuleProblem[] {
  return problemsOf(file, validator(distributionSchema), data);
}

/** Checks one hosted-hypervisor file against rules/product.schema.json. */
export function validateProduct(file: string, data: unknown): RuleProblem[] {
  return problemsOf(file, validator(productSchema), data);
}

function problemsOf(file: string, validate: ValidateFunction, data: unknown): RuleProblem[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error: ErrorObject) => ({
    file,
    message: `${error.instancePath || '/'} ${error.message ?? 'is invalid'}${
      error.params && 'additionalProperty' in error.params ? `: ${String(error.params.additionalProperty)}` : ''
    }`,
  }));
}
