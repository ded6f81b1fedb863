# The two commands a newcomer needs (see README.md).
.PHONY: test demo demo-teardown lint unit integration molecule

test:  ## Set up everything, start LocalStack, run every test
	bash tests/run.sh

demo:  ## Set up everything, start LocalStack, build the demo with the site playbook
	bash tests/demo.sh site

demo-teardown:  ## Remove everything the demo created (LocalStack keeps running)
	bash tests/demo.sh teardown

lint unit integration molecule:
	bash tests/run.sh $@
