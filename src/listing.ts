/** Splits repeatable, comma-separated option values: --require a,b --require c. */
export function listOption(values: string | string[] | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((value) => String(value).split(',')).map((value) => value.trim()).filter(Boolean);
}
