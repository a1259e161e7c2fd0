// Errors in the user's terms: GOV.UK-style pages for people, RFC 9457 problem details for the API,
// never a stack trace. Unexpected errors are logged with the request id only.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const notFound = (what = 'page') => new HttpError(404, 'not_found', `The ${what} could not be found.`);
export const forbidden = (message = 'You do not have permission to see this page.') => new HttpError(403, 'forbidden', message);

const TITLES: Record<number, string> = {
  400: 'There is a problem with your request',
  403: 'You cannot see this page',
  404: 'Page not found',
  409: 'Someone else changed this record',
  413: 'What you sent is too large',
  415: 'What you sent is not in a form Endeavour understands',
  429: 'Too many attempts',
  500: 'Sorry, there is a problem with the service',
};

function wantsProblemJson(request: FastifyRequest) {
  return request.url.startsWith('/api/') || (request.headers.accept ?? '').includes('application/problem+json');
}

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string, code = 'error') {
  const title = TITLES[status] ?? TITLES[status >= 500 ? 500 : 400]!;
  if (wantsProblemJson(request)) {
    return reply
      .code(status)
      .type('application/problem+json')
      .send({ type: `https://endeavour.invalid/problems/${code}`, title, status, detail: message, instance: request.url });
  }
  return reply.code(status).render('errors/error.njk', { pageTitle: title, title, message, status, requestId: request.id });
}

export function registerErrorHandlers(app: FastifyInstance) {
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, 'If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.', 'not_found'),
  );
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    if (error instanceof HttpError) return sendError(request, reply, error.status, error.message, error.code);
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: { type: error.name, code: error.code, message: error.message, stack: error.stack } }, 'unexpected error');
      return sendError(request, reply, 500, 'Try again later. Nothing you had already saved has been lost.', 'internal');
    }
    if (status === 429) return sendError(request, reply, 429, 'Wait a few minutes before you try again.', 'rate_limited');
    const message =
      status === 413 ? 'What you sent is larger than Endeavour accepts.' : status === 415 ? 'Send the form from the Endeavour page.' : 'Check what you entered and try again.';
    return sendError(request, reply, status, message, error.code ?? 'bad_request');
  });
}
