import { Placeholder } from '../../shell/Placeholder';

/** Dashboard: points earned and redeemed per day, claimed vs unclaimed, top rewards, expiring points, pending promotions, sync failures. */
export default function DashboardScreen() {
  return <Placeholder title="Dashboard">Points earned and redeemed per day, claimed and unclaimed sales, top rewards, expiring points, pending promotions and sync failures.</Placeholder>;
}
