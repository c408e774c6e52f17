export { HttpProblem, problemResult, notFound, toProblem, type ProblemOptions } from './problem.ts';
export { json, html, noContent, type HttpResult } from './response.ts';
export { readJson, rawBody, MAX_JSON_BODY_BYTES } from './body.ts';
export { httpHandler, pathParam, type RouteHandler } from './handler.ts';
