import { Placeholder } from '../../shell/Placeholder';

export default function RegisterUpdatesScreen() {
  return <Placeholder title="Cash Register Updates">Coming next.</Placeholder>;
}
