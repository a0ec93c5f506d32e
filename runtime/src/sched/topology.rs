//! The machine as the scheduler sees it: usable CPUs, physical cores, CPU packages (the groups
//! of the PERGROUP layout), and pinning a thread to a CPU.
//!
//! Read once when the pool starts, from `sched_getaffinity` (the CPUs this process may use,
//! which honours `taskset` and cgroup limits) and `/sys/devices/system/cpu/cpuN/topology`
//! (`core_id`, `physical_package_id`). Where `/sys` is missing every CPU counts as its own
//! core in package 0. The group of a CPU is its package, as in DAPHNE (hwloc's package).

use std::fs;

/// One usable logical CPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cpu {
    /// The operating system's CPU number (for `sched_setaffinity`).
    pub id: usize,
    /// The physical core within its package.
    pub core: usize,
    /// The package (socket); the PERGROUP layout has one queue per package.
    pub package: usize,
}

/// The usable CPUs of this process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    /// Usable logical CPUs in increasing id order.
    pub cpus: Vec<Cpu>,
}

impl Topology {
    /// Reads the topology of this machine.
    pub fn detect() -> Self {
        let cpus = usable_cpu_ids()
            .into_iter()
            .map(|id| {
                let read = |what: &str| {
                    fs::read_to_string(format!("/sys/devices/system/cpu/cpu{id}/topology/{what}"))
                        .ok()
                        .and_then(|text| text.trim().parse::<usize>().ok())
                };
                Cpu {
                    id,
                    core: read("core_id").unwrap_or(id),
                    package: read("physical_package_id").unwrap_or(0),
                }
            })
            .collect();
        Self { cpus }
    }

    /// The CPUs workers run on, in worker order: with `hyperthreading` every logical CPU,
    /// otherwise the first logical CPU of each physical core.
    pub fn worker_cpus(&self, hyperthreading: bool) -> Vec<Cpu> {
        if hyperthreading {
            return self.cpus.clone();
        }
        let mut seen = Vec::new();
        self.cpus
            .iter()
            .copied()
            .filter(|cpu| {
                let key = (cpu.package, cpu.core);
                let first = !seen.contains(&key);
                seen.push(key);
                first
            })
            .collect()
    }

    /// The default worker count: physical cores (logical CPUs with `hyperthreading`), capped by
    /// `SLURM_CPUS_ON_NODE` when that is set.
    pub fn default_workers(&self, hyperthreading: bool) -> usize {
        let count = self.worker_cpus(hyperthreading).len().max(1);
        let slurm = std::env::var("SLURM_CPUS_ON_NODE")
            .ok()
            .and_then(|text| text.trim().parse::<usize>().ok())
            .filter(|&limit| limit > 0);
        slurm.map_or(count, |limit| count.min(limit))
    }
}

/// The CPU ids this process may run on.
fn usable_cpu_ids() -> Vec<usize> {
    // SAFETY: `cpu_set_t` is plain data for which all-zero is a valid (empty) set.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid, writable `cpu_set_t` of the size passed; pid 0 is this thread.
    let status = unsafe { libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) };
    if status == 0 {
        let ids: Vec<usize> = (0..libc::CPU_SETSIZE as usize)
            // SAFETY: `id` is below `CPU_SETSIZE`, the capacity of `set`.
            .filter(|&id| unsafe { libc::CPU_ISSET(id, &set) })
            .collect();
        if !ids.is_empty() {
            return ids;
        }
    }
    let count = std::thread::available_parallelism().map_or(1, usize::from);
    (0..count).collect()
}

/// Pins the calling thread to one CPU; returns the OS error text on failure.
pub fn pin_current_thread(cpu: usize) -> Result<(), String> {
    if cpu >= libc::CPU_SETSIZE as usize {
        return Err(format!("cpu {cpu} is beyond the affinity mask"));
    }
    // SAFETY: all-zero is a valid empty `cpu_set_t`.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: `cpu` is below `CPU_SETSIZE` (checked above).
    unsafe { libc::CPU_SET(cpu, &mut set) };
    // SAFETY: `set` is a valid `cpu_set_t` of the size passed; pid 0 is the calling thread.
    let status = unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn physical_cores_drop_siblings() {
        let cpu = |id, core, package| Cpu { id, core, package };
        let topology = Topology {
            cpus: vec![cpu(0, 0, 0), cpu(1, 1, 0), cpu(2, 0, 0), cpu(3, 0, 1)],
        };
        let ids = |cpus: Vec<Cpu>| cpus.iter().map(|cpu| cpu.id).collect::<Vec<_>>();
        assert_eq!(ids(topology.worker_cpus(false)), vec![0, 1, 3]);
        assert_eq!(ids(topology.worker_cpus(true)), vec![0, 1, 2, 3]);
    }

    #[test]
    fn detects_at_least_one_cpu() {
        let topology = Topology::detect();
        assert!(!topology.cpus.is_empty());
        assert!(topology.default_workers(false) >= 1);
    }
}
