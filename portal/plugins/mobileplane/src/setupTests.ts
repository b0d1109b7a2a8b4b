import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The machine that runs these tests is shared (2 cores, several builds): MUI and the schema form render slowly in
// jsdom there. Generous limits keep the tests about behaviour, not speed.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30_000);
