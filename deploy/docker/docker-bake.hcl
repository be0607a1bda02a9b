// Every service image from the one Dockerfile (ADR 0050):
//   docker buildx bake -f deploy/docker/docker-bake.hcl              # all
//   docker buildx bake -f deploy/docker/docker-bake.hcl dispatcher   # one
//   REGISTRY=registry.example.com/wabridge TAG=1.2.3 docker buildx bake -f deploy/docker/docker-bake.hcl --push
// PORT is the service's port from DESIGN.md §11 (the Dockerfile refuses a mismatch).

variable "REGISTRY" { default = "wabridge" }
variable "TAG" { default = "dev" }

group "default" {
  targets = ["gateway", "ingress", "dispatcher", "contacts", "media", "analytics", "notifier", "conversations", "campaigns", "sandbox"]
}

target "_common" {
  context    = "."
  dockerfile = "deploy/docker/Dockerfile"
  platforms  = ["linux/amd64"]
}

target "gateway" {
  inherits = ["_common"]
  args     = { APP = "gateway", PORT = "3000" }
  tags     = ["${REGISTRY}/gateway:${TAG}"]
}

target "ingress" {
  inherits = ["_common"]
  args     = { APP = "ingress", PORT = "3001" }
  tags     = ["${REGISTRY}/ingress:${TAG}"]
}

target "dispatcher" {
  inherits = ["_common"]
  args     = { APP = "dispatcher", PORT = "3002" }
  tags     = ["${REGISTRY}/dispatcher:${TAG}"]
}

target "contacts" {
  inherits = ["_common"]
  args     = { APP = "contacts", PORT = "3003" }
  tags     = ["${REGISTRY}/contacts:${TAG}"]
}

target "media" {
  inherits = ["_common"]
  args     = { APP = "media", PORT = "3004" }
  tags     = ["${REGISTRY}/media:${TAG}"]
}

target "analytics" {
  inherits = ["_common"]
  args     = { APP = "analytics", PORT = "3005" }
  tags     = ["${REGISTRY}/analytics:${TAG}"]
}

target "conversations" {
  inherits = ["_common"]
  args     = { APP = "conversations", PORT = "3007" }
  tags     = ["${REGISTRY}/conversations:${TAG}"]
}

target "campaigns" {
  inherits = ["_common"]
  args     = { APP = "campaigns", PORT = "3008" }
  tags     = ["${REGISTRY}/campaigns:${TAG}"]
}

target "notifier" {
  inherits = ["_common"]
  args     = { APP = "notifier", PORT = "3006" }
  tags     = ["${REGISTRY}/notifier:${TAG}"]
}

target "sandbox" {
  inherits = ["_common"]
  args     = { APP = "sandbox", PORT = "3100" }
  tags     = ["${REGISTRY}/sandbox:${TAG}"]
}
