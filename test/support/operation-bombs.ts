/** Documents built to make a naive operation check slow: each fragment spreads the next `fanOut` times. */
export function fragmentBomb(levels: number, fanOut = 2, operation: 'query' | 'subscription' = 'query'): string {
  const root = operation === 'query' ? 'Query' : 'Subscription';
  const lines = [operation === 'query' ? 'query Bomb { ...F0 }' : 'subscription Bomb { ...F0 }'];
  for (let level = 0; level < levels; level += 1) {
    lines.push(`fragment F${level} on ${root} { ${Array.from({ length: fanOut }, () => `...F${level + 1}`).join(' ')} }`);
  }
  lines.push(`fragment F${levels} on ${root} { __typename }`);
  return lines.join('\n');
}
