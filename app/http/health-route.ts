import type { CustomRoute } from '@slack/bolt';

/**
 * GET /healthz for load balancers: 200 while the store answers, 503 when it does not,
 * so an instance that lost its shared store is taken out of rotation.
 */
export function healthRoute(storeReachable: () => Promise<boolean>): CustomRoute {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req, res) => {
      void storeReachable()
        .catch(() => false)
        .then((reachable) => {
          res.writeHead(reachable ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(JSON.stringify({ ok: reachable, store: reachable ? 'reachable' : 'unreachable' }));
        });
    },
  };
}
