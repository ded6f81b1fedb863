# The two commands a newcomer needs (see README.md).
.PHONY: test demo lint unit integration molecule

test:  ## Set up everything, start LocalStack, run every test
	bash tests/run.sh

demo:  ## Set up everything, start LocalStack, build the demo with the site playbook
	bash tests/demo.sh

lint unit integration molecule:
	bash tests/run.sh $@
