# The commands a newcomer needs (see README.md).
.PHONY: test demo demo-teardown demo-stop lint unit integration molecule

test:  ## Set up the full toolchain, start LocalStack, run every test
	bash tests/run.sh

demo:  ## Set up .venv-demo, start LocalStack (LOCALSTACK_PORT, default 4566), build the demo with site.yml
	bash tests/demo.sh site

demo-teardown:  ## Remove everything the demo created (LocalStack keeps running)
	bash tests/demo.sh teardown

demo-stop:  ## Stop the LocalStack the demo started and forget its endpoint
	bash tests/demo.sh stop

lint unit integration molecule:
	bash tests/run.sh $@
