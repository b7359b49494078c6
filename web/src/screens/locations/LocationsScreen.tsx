import { Placeholder } from '../../shell/Placeholder';

export default function LocationsScreen() {
  return <Placeholder title="Locations &amp; licenses">Coming next.</Placeholder>;
}
