# Step 1, still with the test-mode key: the resource block goes, and this
# removed block makes Terraform forget the test-mode endpoint and leave it on
# Retivo (destroy = true would delete it instead).
removed {
  from = retivo_webhook_endpoint.orders

  lifecycle {
    destroy = false
  }
}
