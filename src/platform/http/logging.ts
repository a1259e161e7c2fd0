// Structured JSON logs with the request id and no personal data: requests are logged by method and
// route pattern (never the query string, which can hold a name someone searched for), and cookies,
// authorisation headers and bodies are never logged.
import type { FastifyRequest } from 'fastify';

export function loggerOptions(level: string) {
  return {
    level,
    redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          route: request.routeOptions?.url ?? 'unmatched',
          remoteAddress: request.ip,
        };
      },
    },
  };
}
