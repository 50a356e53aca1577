export { discardUpcomingRuns } from '../runs/store/runs.ts'
