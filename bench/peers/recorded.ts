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
  "date": "2026-12-07",
  "machine": "AMD EPYC, 2 cores, linux x64, Node v20.20.2",
  "loadavg": [
    [
      1.93,
      3.91,
      4.04
    ],
    [
      1.85,
      3.87,
      4.02
    ],
    [
      1.13,
      2.42,
      3.4
    ],
    [
      1,
      1.65,
      2.86
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
      "perReference": 25.85,
      "interval": [
        20.39,
        29.32
      ],
      "pairs": 5,
      "peerCpuMs": 460,
      "emptyCpuMs": 100,
      "peerWallMs": 478,
      "referenceCpuMs": 12.41
    },
    "sumoMesoGrid30": {
      "what": "SUMO mesoscopic (Eclipse SUMO sumo Version 1.15.0), 30x30 grid, 60,000 routed vehicles, 10800 s",
      "command": "sumo --mesosim true --meso-junction-control true -n sumoMesoGrid30.net.xml --no-step-log true --no-warnings true --begin 0 --duration-log.disable true -r sumoMesoGrid30.rou.xml --end 10800",
      "perReference": 1047.08,
      "interval": [
        701.17,
        1749.02
      ],
      "pairs": 5,
      "peerCpuMs": 16700,
      "emptyCpuMs": 560,
      "peerWallMs": 16722,
      "referenceCpuMs": 15.23
    },
    "duarouter60k": {
      "what": "SUMO duarouter (Eclipse SUMO duarouter Version 1.15.0), 60,000 junction-to-junction trips, 30x30 grid",
      "command": "duarouter -n batch.net.xml --junction-taz true --no-step-log true --no-warnings true --ignore-errors false --route-files batch.trips.xml -o batch.rou.xml",
      "perReference": 1202.65,
      "interval": [
        838.58,
        1326.23
      ],
      "pairs": 5,
      "peerCpuMs": 18670,
      "emptyCpuMs": 400,
      "peerWallMs": 18742,
      "referenceCpuMs": 15.3
    }
  }
};
