"""Drives Home Assistant's own data_entry_flow.FlowManager through issue 17's flow, for bench/.

Usage: python3 driver.py HA_CORE_CHECKOUT [--flows N] [--idle-flows N] [--rounds N] [--stand-ins]

The flow is bench/issueFlow.ts's, written the way Home Assistant's integrations write it:
form `user` {host, name} -> form `confirm` {confirm} -> create_entry. A step is `async_init` or one
`async_configure`, so a flow is three steps, as on configflow's side. The manager is the minimal one
Home Assistant's own tests use (tests/test_data_entry_flow.py): `async_create_flow` makes the handler,
`async_finish_flow` keeps each created entry.

No Home Assistant code is in this repository: the checkout given on the command line provides
homeassistant/data_entry_flow.py. With `--stand-ins`, the five names that module imports from the
rest of Home Assistant (core.HomeAssistant and core.callback, exceptions.HomeAssistantError,
helpers.frame, loader.async_suggest_report_issue, util.uuid.random_uuid_hex) are replaced by the
minimal stand-ins below, so a checkout whose dependencies are not installed still runs; none of them
is on this flow's path except `callback` (a decorator that marks a function) and the flow id.

Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import enum
import gc
import importlib.util
import json
import platform
import random
import sys
import time
import tracemalloc
import types
from pathlib import Path


def install_stand_ins() -> None:
    """Minimal modules for what data_entry_flow imports from the rest of Home Assistant."""

    def module(name: str, **attrs: object) -> None:
        mod = types.ModuleType(name)
        mod.__dict__.update(attrs)
        sys.modules[name] = mod

    class HomeAssistant:  # only a type annotation on this path
        pass

    def callback(func):  # Home Assistant's marks the function as safe in the event loop
        setattr(func, "_hass_callback", True)
        return func

    class HomeAssistantError(Exception):
        pass

    class ReportBehavior(enum.Enum):
        IGNORE = enum.auto()
        LOG = enum.auto()
        RAISE = enum.auto()

    def report_usage(*_args: object, **_kwargs: object) -> None:
        pass

    module("homeassistant")
    sys.modules["homeassistant"].__path__ = []  # a package, so relative imports resolve
    module("homeassistant.core", HomeAssistant=HomeAssistant, callback=callback)
    module("homeassistant.exceptions", HomeAssistantError=HomeAssistantError)
    module("homeassistant.helpers")
    sys.modules["homeassistant.helpers"].__path__ = []
    module("homeassistant.helpers.frame", ReportBehavior=ReportBehavior, report_usage=report_usage)
    module("homeassistant.loader", async_suggest_report_issue=lambda *_a, **_k: "report it")
    module("homeassistant.util")
    sys.modules["homeassistant.util"].__path__ = []
    uuid_mod = types.ModuleType("homeassistant.util.uuid")
    uuid_mod.random_uuid_hex = lambda: f"{random.getrandbits(32 * 4):032x}"
    sys.modules["homeassistant.util.uuid"] = uuid_mod
    sys.modules["homeassistant.util"].uuid = uuid_mod


def load_data_entry_flow(core: Path, stand_ins: bool):
    if not stand_ins:
        sys.path.insert(0, str(core))
        import homeassistant.data_entry_flow as def_module  # the real package and its imports

        return def_module
    install_stand_ins()
    path = core / "homeassistant" / "data_entry_flow.py"
    spec = importlib.util.spec_from_file_location("homeassistant.data_entry_flow", path)
    def_module = importlib.util.module_from_spec(spec)
    sys.modules["homeassistant.data_entry_flow"] = def_module
    spec.loader.exec_module(def_module)
    return def_module


def build(data_entry_flow, vol):
    user_schema = vol.Schema({vol.Required("host"): str, vol.Required("name"): str})
    confirm_schema = vol.Schema({vol.Required("confirm"): bool})

    class BenchFlow(data_entry_flow.FlowHandler):
        init_step = "user"

        async def async_step_user(self, user_input=None):
            if user_input is not None:
                self.host = user_input["host"]
                self.name = user_input["name"]
                return await self.async_step_confirm()
            return self.async_show_form(step_id="user", data_schema=user_schema)

        async def async_step_confirm(self, user_input=None):
            if user_input is not None:
                return self.async_create_entry(title=self.name, data={"host": self.host})
            return self.async_show_form(step_id="confirm", data_schema=confirm_schema)

    class Manager(data_entry_flow.FlowManager):
        def __init__(self) -> None:
            super().__init__(None)
            self.created_entries = []

        async def async_create_flow(self, handler_key, *, context=None, data=None):
            return BenchFlow()

        async def async_finish_flow(self, flow, result):
            if result["type"] == data_entry_flow.FlowResultType.CREATE_ENTRY:
                self.created_entries.append(result)
            return result

    return Manager


USER = {"host": "192.0.2.1", "name": "bench"}
CONFIRM = {"confirm": True}


async def steps_per_second(Manager, create_entry, flows: int):
    manager = Manager()

    async def once() -> None:
        flow_id = (await manager.async_init("bench_ha", context={"source": "user"}))["flow_id"]
        await manager.async_configure(flow_id, USER)
        end = await manager.async_configure(flow_id, CONFIRM)
        if end["type"] != create_entry:
            raise RuntimeError(f"the flow ended with {end['type']}")

    for _ in range(min(2_000, flows)):  # warm-up
        await once()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(flows):
        await once()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return flows * 3 / wall, cpu / (flows * 3) * 1e6


async def bytes_per_idle_flow(Manager, count: int) -> float:
    """Flows waiting at `confirm`, as tracemalloc counts Python's allocations."""
    manager = Manager()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(count):
        flow_id = (await manager.async_init("bench_ha", context={"source": "user"}))["flow_id"]
        await manager.async_configure(flow_id, {"host": f"device-{i}.local", "name": "bench"})
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    if len(manager._progress) != count:
        raise RuntimeError("flows went missing")
    return (after - before) / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("core", type=Path, help="a Home Assistant core checkout")
    parser.add_argument("--flows", type=int, default=20_000)
    parser.add_argument("--idle-flows", type=int, default=0)
    parser.add_argument("--stand-ins", action="store_true")
    args = parser.parse_args()
    data_entry_flow = load_data_entry_flow(args.core, args.stand_ins)
    import voluptuous as vol

    Manager = build(data_entry_flow, vol)
    create_entry = data_entry_flow.FlowResultType.CREATE_ENTRY
    rate, cpu_us = asyncio.run(steps_per_second(Manager, create_entry, args.flows))
    out = {
        "python": platform.python_version(),
        "voluptuous": getattr(vol, "__version__", "?"),
        "standIns": args.stand_ins,
        "dataEntryFlow": str(Path(data_entry_flow.__file__).resolve()),
        "flows": args.flows,
        "stepsPerSec": round(rate),
        "cpuUsPerStep": round(cpu_us, 2),
    }
    if args.idle_flows > 0:
        out["bytesPerIdleFlow"] = round(asyncio.run(bytes_per_idle_flow(Manager, args.idle_flows)))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
