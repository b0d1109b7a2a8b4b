export { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, problem } from './platform/problem-details.ts';
export type { ProblemDetails } from './platform/problem-details.ts';
