import { lazy, type LazyExoticComponent, type ComponentType } from 'react';
import type { Capability } from './auth/auth';

export interface ScreenDef {
  /** path under /admin */
  path: string;
  label: string;
  /** a line under the label in the navigation */
  description: string;
  /** hidden from roles without it */
  capability: Capability;
  Component: LazyExoticComponent<ComponentType>;
}

/**
 * Every screen of the back office, in the navigation's order (issue 11). One folder per screen
 * under screens/; each loads on first visit. A screen's sub-routes hang under its path (`path/*`).
 */
export const SCREENS: ScreenDef[] = [
  {
    path: 'register-updates',
    label: 'Cash Register Updates',
    description: 'review and accept promotions',
    capability: 'read',
    Component: lazy(() => import('./screens/register-updates/RegisterUpdatesScreen')),
  },
  {
    path: 'locations',
    label: 'Locations & licenses',
    description: 'licenses, enrollment, sync',
    capability: 'read',
    Component: lazy(() => import('./screens/locations/LocationsScreen')),
  },
  {
    path: 'scandata',
    label: 'Scan data',
    description: 'weekly manufacturer files',
    capability: 'read',
    Component: lazy(() => import('./screens/scandata/ScanDataScreen')),
  },
  {
    path: 'rewards',
    label: 'Rewards & offers',
    description: 'rules, PLUs, preview',
    capability: 'read',
    Component: lazy(() => import('./screens/rewards/RewardsScreen')),
  },
  {
    path: 'guests',
    label: 'Guests',
    description: 'balances, ledger, claims',
    capability: 'read',
    Component: lazy(() => import('./screens/guests/GuestsScreen')),
  },
  {
    path: 'transactions',
    label: 'Transactions',
    description: 'search, detail, void',
    capability: 'read',
    Component: lazy(() => import('./screens/transactions/TransactionsScreen')),
  },
  {
    path: 'dashboard',
    label: 'Dashboard',
    description: 'points, sales, sync health',
    capability: 'read',
    Component: lazy(() => import('./screens/dashboard/DashboardScreen')),
  },
  {
    path: 'settings',
    label: 'Programs, stores, keys, users, webhooks, audit',
    description: 'configuration',
    capability: 'read',
    Component: lazy(() => import('./screens/settings/SettingsScreen')),
  },
  { path: 'exports', label: 'Exports', description: 'CSV for finance', capability: 'read', Component: lazy(() => import('./screens/exports/ExportsScreen')) },
];
