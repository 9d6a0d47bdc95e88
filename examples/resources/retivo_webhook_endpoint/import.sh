# Import an existing endpoint by its Retivo id. The signing secret cannot be
# read back from Retivo, so it is null after import.
terraform import retivo_webhook_endpoint.orders we_0123456789abcdef01234567
