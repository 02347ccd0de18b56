// Routes of the traffic instruments under /api/labs/:id/instruments/ (simulated clients, HTTP inspector).
import type { Routes } from './api.ts';

export const instrumentRoutes: Routes = {};
