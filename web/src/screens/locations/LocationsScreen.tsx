import { Route, Routes } from 'react-router';
import { LocationDetail } from './LocationDetail';
import { LocationsOverview } from './LocationsOverview';

/** Locations, Scan Data licenses, the RJR enrollment, pilot and roll-out, and sync. */
export default function LocationsScreen() {
  return (
    <Routes>
      <Route index element={<LocationsOverview />} />
      <Route path=":locationId" element={<LocationDetail />} />
    </Routes>
  );
}
