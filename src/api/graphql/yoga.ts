import { GraphQLError } from "graphql";
import { EnvelopArmorPlugin } from "@escape.tech/graphql-armor";
import { createYoga, maskError as defaultMaskError, type YogaServerInstance } from "graphql-yoga";
import { AuthError } from "../../auth/auth.js";
import type { AuthUser } from "../../auth/user.js";
import type { RequestContext, ServiceContext } from "../../services/context.js";
import { InputError, UnavailableError } from "../../services/context.js";
import { graphqlSchema } from "./schema.js";

export const GRAPHQL_ENDPOINT = "/query";

/** Limits on a query's shape; cc-backend's own frontend stays far below each. */
export const QUERY_LIMITS = { depth: 10, cost: 20_000, aliases: 30, tokens: 5_000 } as const;

/**
 * graphql-yoga serving the Pothos schema. Errors a caller caused (InputError) keep their message;
 * everything else is masked to "Unexpected error." and logged once, never sent as a stack trace.
 */
export function createGraphqlServer(context: ServiceContext): YogaServerInstance<{ user: AuthUser }, RequestContext> {
  return createYoga<{ user: AuthUser }, RequestContext>({
    schema: graphqlSchema(),
    plugins: [
      // Bounded work per request: the page size and the analysis caps bound each field, these the shape.
      // Field suggestions stay on: every caller here is authenticated, and the hints help them.
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.depth, ignoreIntrospection: true },
        costLimit: { maxCost: QUERY_LIMITS.cost, ignoreIntrospection: true },
        maxAliases: { n: QUERY_LIMITS.aliases },
        maxTokens: { n: QUERY_LIMITS.tokens },
        maxDirectives: { n: 50 },
        blockFieldSuggestion: { enabled: false },
      }),
    ],
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    context: ({ user }) => ({ ...context, user }),
    // GraphiQL is served at /playground by the app (--dev only), not from this endpoint.
    graphiql: false,
    landingPage: false,
    // Yoga reports every GraphQL error, including a caller's bad input, at level error; unexpected
    // errors are logged once in maskError below, so its own lines only go to the debug level.
    logging: {
      debug: (...args) => context.logger.debug({ args }, "graphql"),
      info: (...args) => context.logger.debug({ args }, "graphql"),
      warn: (...args) => context.logger.debug({ args }, "graphql"),
      error: (...args) => context.logger.debug({ args }, "graphql"),
    },
    maskedErrors: {
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof InputError) return new GraphQLError(original.message, { extensions: { code: "BAD_USER_INPUT" } });
        if (original instanceof AuthError) return new GraphQLError(original.message, { extensions: { code: "FORBIDDEN" } });
        if (original instanceof UnavailableError) return new GraphQLError(original.message, { extensions: { code: "UNAVAILABLE" } });
        if (!(original instanceof GraphQLError) && original) context.logger.error({ err: original }, "graphql resolver failed");
        return defaultMaskError(error, message, isDev);
      },
    },
  });
}
