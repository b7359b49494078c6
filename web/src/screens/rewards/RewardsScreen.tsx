import { Placeholder } from '../../shell/Placeholder';

/** Rewards and offers: list, create, edit; rule forms from the rule registry's schemas; PLU per vendor; POS and receipt preview. */
export default function RewardsScreen() {
  return <Placeholder title="Rewards & offers">Rewards and offers with their rules, PLUs per POS vendor and a preview of what the till and the receipt show.</Placeholder>;
}
