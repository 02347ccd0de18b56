// Routes of the lag meter, the timeout chain's Try it and the nginx panel under /api/labs/:id/instruments/.
import type { Routes } from './api.ts';

export const panelRoutes: Routes = {};
