#!/usr/bin/env python3
"""The deployment files agree with each other and with the binary.

The Swarm stack and the Kubernetes manifests parse; they name the image the Dockerfile
builds (snowsignal:VERSION), grant NET_RAW and nothing else, use the mesh and metrics
ports the image exposes and the binary defaults to, discover peers the way --help
describes (SERVICENAME for Swarm; the headless Service's name in OTHER_RELAYS for
Kubernetes), and set only variables --help knows. --self-test also checks that a broken
copy of each file is refused, so the checks can fail.

  deploy_files_test.py SNOWSIGNAL_BINARY VERSION [--self-test]
Exit 77 (CTest: skipped) when python3-yaml is missing.
"""
import copy
import re
import subprocess
import sys
from pathlib import Path

try:
    import yaml
except ImportError:
    print("SKIP: python3-yaml not installed (Debian package python3-yaml)")
    sys.exit(77)

RELAY = Path(__file__).resolve().parents[2]
STACK = RELAY / "deploy/swarm/snowsignal-stack.yml"
KUBE = RELAY / "deploy/kubernetes/snowsignal.yaml"
DOCKERFILE = RELAY / "Dockerfile"
INSTALL_DEPS = RELAY.parent / "ci/install-deps.sh"
# Build dependencies of the whole tree that the image's build stage does not need:
# packaging tools and the fuzzers' runtime (not configured there).
NOT_FOR_THE_IMAGE = {"dpkg-dev", "libclang-rt-14-dev"}


class Mismatch(Exception):
    pass


def expect(condition, what):
    if not condition:
        raise Mismatch(what)


def help_facts(binary):
    text = subprocess.run([binary, "--help"], check=True, capture_output=True, text=True).stdout
    env_names = set(re.findall(r"\benv ([A-Z_]+)", text)) | set(re.findall(r"\b([A-Z][A-Z_]{3,})\b", text))
    mesh = re.search(r"MESH_PORT, default (\d+)", text)
    expect(mesh, "--help does not give MESH_PORT's default")
    expect("SERVICENAME" in text and "tasks.<name>" in text, "--help does not describe SERVICENAME")
    expect("--health-check" in text and "--metrics-address" in text, "--help lacks the metrics options")
    return {"env": env_names, "mesh_port": int(mesh.group(1))}


def dockerfile_facts(text):
    exposed = re.findall(r"^EXPOSE (.*)$", text, re.M)
    expect(len(exposed) == 1, "Dockerfile needs one EXPOSE line")
    ports = dict((proto, int(port)) for port, proto in
                 (p.split("/") for p in exposed[0].split()))
    expect(re.search(r"^HEALTHCHECK .*\n?.*--health-check", text, re.M),
           "Dockerfile HEALTHCHECK does not run snowsignal --health-check")
    # Permitted only: the relay raises it, and says so when the container lacks NET_RAW.
    expect(re.search(r"setcap cap_net_raw\+p /usr/bin/snowsignal", text),
           "Dockerfile does not give the binary cap_net_raw as a permitted-only capability")
    expect(re.search(r"install -d -o 10001 .*/run/snowsignal", text),
           "Dockerfile does not give user 10001 /run/snowsignal for the status socket")
    expect(re.search(r"^USER 10001", text, re.M), "Dockerfile does not switch to user 10001")
    expect(re.search(r"^FROM \$\{BASE\}", text, re.M) and "bookworm-slim" in text,
           "Dockerfile is not based on bookworm-slim")
    env = dict(re.findall(r"\b([A-Z_]+)=(\S+)", "\n".join(
        line for line in text.splitlines() if not line.startswith("#") and
        ("ENV" in line or line.startswith("    ")))))
    return {"ports": ports, "env": env}


def check_env(names, known, where):
    for name in names:
        expect(name in known, f"{where} sets {name}, which snowsignal --help does not know")


def check_stack(stack, facts, image):
    services = stack.get("services", {})
    expect(len(services) == 1, "the stack should have one service")
    service = next(iter(services.values()))
    expect(service.get("image") == image, f"stack image {service.get('image')} is not {image}")
    expect(service.get("cap_add") == ["NET_RAW"], "stack cap_add is not exactly [NET_RAW]")
    expect(service.get("deploy", {}).get("mode") == "global", "stack service is not global")
    env = service.get("environment", {})
    expect(env.get("SERVICENAME") == "{{.Service.Name}}", "stack SERVICENAME is not {{.Service.Name}}")
    expect(int(env.get("MESH_PORT", facts["mesh_port"])) == facts["mesh_port"] ==
           facts["docker"]["ports"]["udp"], "stack MESH_PORT, --help and EXPOSE disagree")
    metrics_port = int(env["METRICS_ADDRESS"].rsplit(":", 1)[1])
    expect(metrics_port == facts["docker"]["ports"]["tcp"], "stack metrics port is not the EXPOSEd one")
    check_env(env, facts["env"], "the stack")
    nets = service.get("networks", [])
    expect(nets and all(stack.get("networks", {}).get(n, {}).get("driver") == "overlay" for n in nets),
           "the stack's service is not on an overlay network")


def check_kube(documents, facts, image):
    by_kind = {}
    for doc in documents:
        if doc:
            by_kind.setdefault(doc["kind"], []).append(doc)
    expect(set(by_kind) >= {"Service", "DaemonSet"}, "need a Service and a DaemonSet")
    service, daemonset = by_kind["Service"][0], by_kind["DaemonSet"][0]
    spec = service["spec"]
    expect(spec.get("clusterIP") == "None", "the Service is not headless (clusterIP: None)")
    expect(spec.get("publishNotReadyAddresses") is True,
           "publishNotReadyAddresses must be true (readiness needs peers found through it)")
    pod = daemonset["spec"]["template"]
    labels = pod["metadata"]["labels"]
    expect(all(labels.get(k) == v for k, v in spec["selector"].items()),
           "the Service selector does not match the DaemonSet's pods")
    containers = pod["spec"]["containers"]
    expect(len(containers) == 1, "one container expected")
    c = containers[0]
    expect(c["image"] == image, f"DaemonSet image {c['image']} is not {image}")
    caps = c["securityContext"]["capabilities"]
    expect(caps.get("add") == ["NET_RAW"] and caps.get("drop") == ["ALL"],
           "capabilities are not drop [ALL], add [NET_RAW]")
    expect(c["securityContext"].get("allowPrivilegeEscalation") is not False,
           "allowPrivilegeEscalation false would void the binary's file capability")
    env = {e["name"]: e["value"] for e in c.get("env", [])}
    check_env(env, facts["env"], "the DaemonSet")
    namespace = service["metadata"].get("namespace", "default")
    fqdn = f"{service['metadata']['name']}.{namespace}.svc.cluster.local"
    expect(env.get("OTHER_RELAYS") == fqdn, f"OTHER_RELAYS is not the headless Service's name {fqdn}")
    expect("SERVICENAME" not in env, "SERVICENAME (tasks.<name>) is Swarm's, not Kubernetes'")
    mesh = int(env.get("MESH_PORT", facts["mesh_port"]))
    expect(mesh == facts["mesh_port"] == facts["docker"]["ports"]["udp"], "mesh ports disagree")
    metrics = int(env["METRICS_ADDRESS"].rsplit(":", 1)[1])
    expect(metrics == facts["docker"]["ports"]["tcp"], "metrics port is not the EXPOSEd one")
    ports = {(p["protocol"], p["containerPort"]) for p in c["ports"]}
    expect(("UDP", mesh) in ports and ("TCP", metrics) in ports, "container ports disagree")
    sports = {(p["protocol"], p["port"]) for p in spec["ports"]}
    expect(("UDP", mesh) in sports and ("TCP", metrics) in sports, "Service ports disagree")
    probe = c["readinessProbe"]["httpGet"]
    expect(probe["path"] == "/healthz" and probe["port"] == metrics, "readiness probe is not /healthz")
    expect(pod["spec"].get("hostNetwork") is True, "the relay must see the node's broadcasts")
    expect(pod["spec"].get("dnsPolicy") == "ClusterFirstWithHostNet",
           "with hostNetwork, dnsPolicy must be ClusterFirstWithHostNet to resolve the Service")


def check_build_deps(dockerfile_text):
    """The build stage configures the whole CMake project: it needs every -dev package."""
    wanted = set(re.findall(r"\b([a-z0-9.+-]+-dev)\b", INSTALL_DEPS.read_text())) - NOT_FOR_THE_IMAGE
    build_stage = dockerfile_text.split("\nFROM ")[1] if "\nFROM " in dockerfile_text else ""
    for package in sorted(wanted):
        expect(re.search(r"\b" + re.escape(package) + r"\b", build_stage),
               f"ci/install-deps.sh needs {package}, the Dockerfile's build stage does not install it")


def check_all(binary, version, stack, kube, dockerfile_text):
    check_build_deps(dockerfile_text)
    facts = help_facts(binary)
    facts["docker"] = dockerfile_facts(dockerfile_text)
    check_env(facts["docker"]["env"], facts["env"], "the Dockerfile")
    image = f"snowsignal:{version}"
    expect(f"-t {image}" in dockerfile_text, f"the Dockerfile's build line does not tag {image}")
    check_stack(stack, facts, image)
    check_kube(kube, facts, image)


def main():
    binary, version = sys.argv[1], sys.argv[2]
    stack = yaml.safe_load(STACK.read_text())
    kube = list(yaml.safe_load_all(KUBE.read_text()))
    dockerfile = DOCKERFILE.read_text()
    try:
        check_all(binary, version, stack, kube, dockerfile)
    except Mismatch as e:
        print(f"FAIL: {e}")
        return 1
    print(f"deployment files agree: image snowsignal:{version}, NET_RAW, ports, discovery")
    if "--self-test" in sys.argv:
        # Each break must be caught; a checker that passes them all checks nothing.
        breaks = []
        s = copy.deepcopy(stack); next(iter(s["services"].values()))["environment"]["MESH_PORT"] = "7125"; breaks.append(("stack mesh port", s, kube, dockerfile))
        s = copy.deepcopy(stack); next(iter(s["services"].values()))["cap_add"] = ["NET_RAW", "NET_ADMIN"]; breaks.append(("stack NET_ADMIN", s, kube, dockerfile))
        s = copy.deepcopy(stack); next(iter(s["services"].values()))["environment"]["SERVICE_NAME"] = "x"; breaks.append(("unknown variable", s, kube, dockerfile))
        k = copy.deepcopy(kube); [d for d in k if d["kind"] == "Service"][0]["spec"]["clusterIP"] = "10.0.0.1"; breaks.append(("not headless", stack, k, dockerfile))
        k = copy.deepcopy(kube); [d for d in k if d["kind"] == "DaemonSet"][0]["spec"]["template"]["spec"]["containers"][0]["image"] = "snowsignal:latest"; breaks.append(("kube image", stack, k, dockerfile))
        breaks.append(("EXPOSE", stack, kube, dockerfile.replace("EXPOSE 7124/udp", "EXPOSE 7000/udp")))
        breaks.append(("build dependency", stack, kube, dockerfile.replace(" libmnl-dev", "")))
        for what, s, k, d in breaks:
            try:
                check_all(binary, version, s, k, d)
            except Mismatch:
                continue
            print(f"FAIL: self-test: a broken copy ({what}) was accepted")
            return 1
        print(f"self-test: {len(breaks)} broken copies refused")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
