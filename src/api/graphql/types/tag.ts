import { listTags } from "../../../services/jobs/find.js";
import { changeJobTags, createTag, deleteTag } from "../../../services/jobs/tags.js";
import { builder } from "../builder.js";
import { tagModel } from "../loaders.js";

export const TagType = builder.prismaObject("Tag", {
  fields: (t) => ({
    id: t.exposeID("id"),
    type: t.exposeString("tagType"),
    name: t.exposeString("tagName"),
  }),
});

builder.queryField("tags", (t) =>
  t.field({ type: [TagType], resolve: async (_root, _args, ctx) => (await listTags(ctx)).map(tagModel) }),
);

builder.mutationFields((t) => ({
  createTag: t.field({
    type: TagType,
    args: { type: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => tagModel(await createTag(ctx, { type: args.type, name: args.name })),
  }),
  deleteTag: t.id({
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => String(await deleteTag(ctx, args.id)),
  }),
  addTagsToJob: t.field({
    type: [TagType],
    args: { job: t.arg.id({ required: true }), tagIds: t.arg.idList({ required: true }) },
    resolve: async (_root, args, ctx) => (await changeJobTags(ctx, args.job, args.tagIds, "add")).map(tagModel),
  }),
  removeTagsFromJob: t.field({
    type: [TagType],
    args: { job: t.arg.id({ required: true }), tagIds: t.arg.idList({ required: true }) },
    resolve: async (_root, args, ctx) => (await changeJobTags(ctx, args.job, args.tagIds, "remove")).map(tagModel),
  }),
}));
