/**
 * The operation of the gateways benchmark's federation scenario: users and top
 * products, three levels deep through reviews, products and authors, so one
 * operation touches all four subgraphs several times (`@requires` included).
 */
export const BENCH_QUERY = `fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
      }
    }
  }
  topProducts {
    ...Product
    reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } }
  }
}`;

interface Product {
  upc: string;
  name: string;
  inStock: boolean;
  shippingEstimate: number | null;
  reviews?: Array<{ author: { name: string; username: string; reviews: Array<{ product: Product }> } }>;
}

/**
 * Checks one response against what the benchmark's data must give, so the body
 * every later response is compared with is known to be right, not just stable.
 * Returns the problems found (none: correct).
 */
export function problemsIn(status: number, bodyText: string): string[] {
  if (status !== 200) return [`HTTP ${status}`];
  const body = JSON.parse(bodyText) as { data?: { users: Array<{ name: string; reviews: Array<{ product: Product }> }>; topProducts: Product[] }; errors?: unknown[] };
  const problems: string[] = [];
  if (body.errors) problems.push(`errors: ${JSON.stringify(body.errors).slice(0, 300)}`);
  const data = body.data;
  if (!data) return [...problems, 'no data'];
  if (data.users.length !== 6) problems.push(`users: ${data.users.length}, expected 6`);
  if (data.topProducts.length !== 5) problems.push(`topProducts: ${data.topProducts.length}, expected 5`);
  const table = data.users[0]?.reviews[0]?.product;
  if (table?.name !== 'Table' || table.inStock !== true || table.shippingEstimate !== 50 || table.reviews?.length !== 4) {
    problems.push(`users[0].reviews[0].product is ${JSON.stringify(table)?.slice(0, 200)}`);
  }
  const author = table?.reviews?.[0]?.author;
  if (author?.name !== 'Uri Goldshtein' || author.username !== 'urigo' || author.reviews[0]?.product.name !== 'Table') {
    problems.push(`an author (provided username, name from accounts) is ${JSON.stringify(author)?.slice(0, 200)}`);
  }
  const couch = data.topProducts[1];
  if (couch?.name !== 'Couch' || couch.shippingEstimate !== 0 || couch.inStock !== false) problems.push(`topProducts[1] is ${JSON.stringify(couch)?.slice(0, 200)}`);
  return problems;
}
