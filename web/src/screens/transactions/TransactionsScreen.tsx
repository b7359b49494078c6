import { Placeholder } from '../../shell/Placeholder';

/** Transactions: search by store, day, status, receipt code; one transaction's cart, rule results, points, events; void. */
export default function TransactionsScreen() {
  return <Placeholder title="Transactions">Search transactions by store, day, status or receipt code; open one to see its cart, rule results and points; void it.</Placeholder>;
}
