// Lesson prose lives beside each lab (labs/NN-<id>/lesson.mdx); the entry id is the lab id.
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';

const lessons = defineCollection({
  loader: glob({
    pattern: '*/lesson.mdx',
    base: './labs',
    generateId: ({ entry }) => entry.split('/')[0].replace(/^\d+-/, ''),
  }),
});

export const collections = { lessons };
