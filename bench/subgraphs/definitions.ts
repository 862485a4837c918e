import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { gql } from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { IN_STOCK, PRODUCTS, REVIEWS, USERS, type ProductRow, type ReviewRow } from './data.ts';

/**
 * The four subgraphs of the gateways benchmark's federation scenario, with the
 * same shape: `@key` on every entity, `@requires` (inventory's shippingEstimate
 * needs price and weight from products) and `@provides` (a review's author comes
 * with its username).
 */
export interface BenchSubgraph {
  readonly typeDefs: DocumentNode;
  readonly resolvers: GraphQLResolverMap<unknown>;
}

export const BENCH_SUBGRAPH_NAMES = ['accounts', 'inventory', 'products', 'reviews'] as const;
export type BenchSubgraphName = (typeof BENCH_SUBGRAPH_NAMES)[number];

const FEDERATION = 'https://specs.apollo.dev/federation/v2.3';

/** The benchmark's reviews subgraph always answers the first two reviews for a user. */
const userReviews = (): readonly ReviewRow[] => REVIEWS.slice(0, 2);

const accounts: BenchSubgraph = {
  typeDefs: gql`
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@shareable"])
    type Query {
      me: User
      user(id: ID!): User
      users: [User]
    }
    type User @key(fields: "id") {
      id: ID!
      name: String
      username: String @shareable
      birthday: Int
    }
  `,
  resolvers: {
    Query: {
      me: () => USERS[0],
      user: (_: unknown, { id }: { id: string }) => USERS.find((user) => user.id === id) ?? null,
      users: () => USERS,
    },
    User: { __resolveReference: ({ id }: { id: string }) => USERS.find((user) => user.id === id) ?? null },
  },
};

const products: BenchSubgraph = {
  typeDefs: gql`
    extend schema @link(url: "${FEDERATION}", import: ["@key"])
    type Query {
      topProducts(first: Int = 5): [Product]
    }
    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Int
      weight: Int
    }
  `,
  resolvers: {
    Query: { topProducts: (_: unknown, { first }: { first: number }) => PRODUCTS.slice(0, first) },
    Product: { __resolveReference: ({ upc }: { upc: string }) => PRODUCTS.find((product) => product.upc === upc) ?? null },
  },
};

const inventory: BenchSubgraph = {
  typeDefs: gql`
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@external", "@requires"])
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
    }
  `,
  resolvers: {
    Product: {
      __resolveReference: (reference: Pick<ProductRow, 'upc'> & Partial<ProductRow>) => ({ ...reference, inStock: IN_STOCK[reference.upc] ?? null }),
      shippingEstimate: ({ price, weight }: Partial<ProductRow>) => {
        if (price === undefined || price === null) return null;
        if (price > 1000) return 0;
        return weight === undefined || weight === null ? null : Math.floor(weight / 2);
      },
    },
  },
};

const reviews: BenchSubgraph = {
  typeDefs: gql`
    extend schema @link(url: "${FEDERATION}", import: ["@key", "@external", "@provides"])
    type Review @key(fields: "id") {
      id: ID!
      body: String
      product: Product
      author: User @provides(fields: "username")
    }
    type User @key(fields: "id") {
      id: ID!
      username: String @external
      reviews: [Review]
    }
    type Product @key(fields: "upc") {
      upc: String!
      reviews: [Review]
    }
  `,
  resolvers: {
    Review: {
      __resolveReference: ({ id }: { id: string }) => REVIEWS.find((review) => review.id === id) ?? null,
      product: (review: ReviewRow) => ({ upc: review.productUpc }),
      author: () => ({ id: '1', username: 'urigo' }),
    },
    User: {
      __resolveReference: ({ id }: { id: string }) => ({ id, username: 'user' }),
      reviews: userReviews,
    },
    Product: {
      __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
      reviews: ({ upc }: { upc: string }) => REVIEWS.filter((review) => review.productUpc === upc),
    },
  },
};

export const BENCH_SUBGRAPHS: Readonly<Record<BenchSubgraphName, BenchSubgraph>> = { accounts, inventory, products, reviews };

export function isBenchSubgraphName(value: string): value is BenchSubgraphName {
  return (BENCH_SUBGRAPH_NAMES as readonly string[]).includes(value);
}
