import { Placeholder } from '../../shell/Placeholder';

/** Exports: CSV of transactions, ledger and balances for finance, streamed from the server. */
export default function ExportsScreen() {
  return <Placeholder title="Exports">Download transactions, the points ledger and balances as CSV for finance.</Placeholder>;
}
