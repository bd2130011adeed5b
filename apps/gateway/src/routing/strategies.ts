import type { Deployment, Route } from './deployment.js';

export interface OrderingState {
  inFlight(deployment: Deployment): number;
  /** A number in [0, 1). */
  random(): number;
}

/** Weighted random order without replacement: heavier deployments tend to come first. */
function weightedOrder(deployments: readonly Deployment[], random: () => number): Deployment[] {
  const pool = [...deployments];
  const out: Deployment[] = [];
  let total = pool.reduce((sum, d) => sum + d.weight, 0);
  while (pool.length > 0) {
    let pick = random() * total;
    let index = 0;
    while (index < pool.length - 1 && pick >= pool[index]!.weight) {
      pick -= pool[index]!.weight;
      index += 1;
    }
    const [chosen] = pool.splice(index, 1);
    out.push(chosen!);
    total -= chosen!.weight;
  }
  return out;
}

/**
 * The order in which a request tries a route's deployments: `fallback` keeps the configured order,
 * `weighted` draws by weight, `least-in-flight` sorts by current load (ties keep the configured order).
 */
export function orderDeployments(route: Route, state: OrderingState): readonly Deployment[] {
  const { deployments } = route;
  if (deployments.length < 2) return deployments;
  switch (route.strategy) {
    case 'fallback':
      return deployments;
    case 'weighted':
      return weightedOrder(deployments, state.random);
    case 'least-in-flight':
      return deployments
        .map((deployment, index) => ({ deployment, index, load: state.inFlight(deployment) }))
        .sort((a, b) => a.load - b.load || a.index - b.index)
        .map((entry) => entry.deployment);
  }
}
