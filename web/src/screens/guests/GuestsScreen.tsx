import { Placeholder } from '../../shell/Placeholder';

/** Guests: search by e-mail, loyalty id or receipt code; balance, tier, ledger; adjust points; claim a missed sale. */
export default function GuestsScreen() {
  return <Placeholder title="Guests">Find a guest by e-mail, loyalty id or receipt code, see their balance and ledger, adjust points with a reason, claim a missed sale.</Placeholder>;
}
