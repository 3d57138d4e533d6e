// The four prompts the questionnaire asks with, built into dist/prompts.cjs so that the installed
// package has no dependencies to fetch and the questionnaire loads one small file.
export { default as checkbox } from '@inquirer/checkbox';
export { default as confirm } from '@inquirer/confirm';
export { default as input } from '@inquirer/input';
export { default as select } from '@inquirer/select';
