import type { CustomRoute } from '@slack/bolt';

/**
 * GET /healthz for load balancers: 200 while the store answers, 503 when it does not,
 * so an instance that lost its shared store is taken out of rotation. It also says how
 * many failures nobody was waiting for the process has survived: above 0, read the logs.
 */
export function healthRoute(storeReachable: () => Promise<boolean>, unhandledFailures: () => number): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      void storeReachable()
        .catch(() => false)
        .then((reachable) => {
          res.writeHead(reachable ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(
            JSON.stringify({
              ok: reachable,
              store: reachable ? 'reachable' : 'unreachable',
              unhandled_failures: unhandledFailures(),
            }),
          );
        });
    },
  };
}
