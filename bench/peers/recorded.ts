/**
 * Peer figures recorded by `npm run bench:record-peers` (bench/peers/record.ts):
 * each peer's CPU time for the work (its run minus its empty run), divided by
 * the CPU time of the reference workload (harness/reference.ts, version
 * 1) measured interleaved with it on the same machine. Generated:
 * edit by recording again, not by hand.
 */

/** One recorded peer. */
export interface RecordedPeer {
  /** The peer and its case. */
  what: string;
  /** The command that ran (in a folder of files greenwave wrote). */
  command: string;
  /** Median over pairs of (peer CPU time - empty run CPU time) / reference CPU time. */
  perReference: number;
  /** 95% bootstrap interval of that median. */
  interval: [number, number];
  pairs: number;
  /** Medians, ms: the peer's run, its empty run (start-up and loading), its wall time, one reference call. */
  peerCpuMs: number;
  emptyCpuMs: number;
  peerWallMs: number;
  referenceCpuMs: number;
}

/** The recorded figures. */
export const RECORDED_PEERS: {
  date: string;
  machine: string;
  loadavg: number[][];
  reference: { name: string; version: number };
  peers: Record<'sumoMesoGrid10' | 'sumoMesoGrid30' | 'duarouter60k', RecordedPeer>;
} = {
  "date": "2026-12-06",
  "machine": "Intel(R) Xeon(R) Processor, 2 cores, linux x64, Node v20.20.2",
  "loadavg": [
    [
      14.8,
      8.54,
      8.86
    ],
    [
      15.79,
      17.62,
      16.94
    ]
  ],
  "reference": {
    "name": "reference workload (graphology singleSource, 60x60 grid)",
    "version": 1
  },
  "peers": {
    "sumoMesoGrid10": {
      "what": "SUMO mesoscopic (Eclipse SUMO sumo Version 1.15.0), 10x10 grid, 9,000 routed vehicles, 10800 s",
      "command": "sumo --mesosim true --meso-junction-control true -n sumoMesoGrid10.net.xml --no-step-log true --no-warnings true --begin 0 --duration-log.disable true -r sumoMesoGrid10.rou.xml --end 10800",
      "perReference": 31.62,
      "interval": [
        25.43,
        40.06
      ],
      "pairs": 5,
      "peerCpuMs": 850,
      "emptyCpuMs": 100,
      "peerWallMs": 3164,
      "referenceCpuMs": 22.11
    },
    "sumoMesoGrid30": {
      "what": "SUMO mesoscopic (Eclipse SUMO sumo Version 1.15.0), 30x30 grid, 60,000 routed vehicles, 10800 s",
      "command": "sumo --mesosim true --meso-junction-control true -n sumoMesoGrid30.net.xml --no-step-log true --no-warnings true --begin 0 --duration-log.disable true -r sumoMesoGrid30.rou.xml --end 10800",
      "perReference": 993.53,
      "interval": [
        965.4,
        1101.77
      ],
      "pairs": 5,
      "peerCpuMs": 23940,
      "emptyCpuMs": 560,
      "peerWallMs": 222785,
      "referenceCpuMs": 22.38
    },
    "duarouter60k": {
      "what": "SUMO duarouter (Eclipse SUMO duarouter Version 1.15.0), 60,000 junction-to-junction trips, 30x30 grid",
      "command": "duarouter -n batch.net.xml --junction-taz true --no-step-log true --no-warnings true --ignore-errors false --route-files batch.trips.xml -o batch.rou.xml",
      "perReference": 1295.83,
      "interval": [
        1159.31,
        1379.85
      ],
      "pairs": 5,
      "peerCpuMs": 28870,
      "emptyCpuMs": 380,
      "peerWallMs": 89559,
      "referenceCpuMs": 22.05
    }
  }
};
