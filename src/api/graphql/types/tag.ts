import { builder } from "../builder.js";

export const TagType = builder.prismaObject("Tag", {
  fields: (t) => ({
    id: t.exposeID("id"),
    type: t.exposeString("tagType"),
    name: t.exposeString("tagName"),
  }),
});
